# Turns every schemas/*.sql into a C string constant fx_schema_<name> in one
# generated header, so the SQL files stay the single source of the schema;
# schemas/postgresql/*.sql (the PostgreSQL ledger's) become
# fx_schema_postgresql_<name>.
file(GLOB _sql_files ${SCHEMA_DIR}/*.sql ${SCHEMA_DIR}/postgresql/*.sql)
list(SORT _sql_files)
set(_out "/* Generated from the files in schemas/ by cmake/embed_schemas.cmake. */\n")
foreach(_f ${_sql_files})
  get_filename_component(_name ${_f} NAME_WE)
  get_filename_component(_dir ${_f} DIRECTORY)
  get_filename_component(_dir ${_dir} NAME)
  if(_dir STREQUAL "postgresql")
    set(_name "postgresql_${_name}")
  endif()
  string(MAKE_C_IDENTIFIER ${_name} _id)
  file(READ ${_f} _text HEX)
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," _bytes "${_text}")
  string(APPEND _out "static const char fx_schema_${_id}[] = {${_bytes}0x00};\n")
endforeach()
file(WRITE ${OUT}.tmp "${_out}")
file(RENAME ${OUT}.tmp ${OUT})
