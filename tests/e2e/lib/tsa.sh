# shellcheck shell=bash disable=SC2034 # TSA_URL is read by the tests
# A local RFC 3161 time-stamping authority for the end-to-end tests that
# anchor the audit chain (sourced after common.sh): an openssl CA and a
# TSA certificate (extendedKeyUsage critical timeStamping) in a directory,
# served by tsa_server.py on 127.0.0.1 (openssl ts -reply), and a closed
# port for a TSA that cannot be reached. Used by audit_anchor.sh,
# report_records.sh and casedb_postgresql.sh.

TSA_URL=

# tsa_make DIR NAME: a CA, a TSA certificate signed by it and the config
# of `openssl ts -reply` in DIR.
tsa_make() {
	local d=$1 name=$2
	mkdir -p "$d"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$d/ca.key" -out "$d/ca.pem" -days 3650 -subj "/CN=$name CA" \
		-addext basicConstraints=critical,CA:TRUE \
		-addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$d/tsa.key" -out "$d/tsa.csr" -subj "/CN=$name TSA" 2>/dev/null
	printf '%s\n' "extendedKeyUsage=critical,timeStamping" \
		"keyUsage=critical,digitalSignature" "basicConstraints=CA:FALSE" >"$d/ext.cnf"
	openssl x509 -req -in "$d/tsa.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" \
		-CAcreateserial -days 3650 -extfile "$d/ext.cnf" -out "$d/tsa.pem" 2>/dev/null
	printf '01\n' >"$d/serial"
	cat >"$d/tsa.cnf" <<-EOF
		[tsa]
		default_tsa = tsa_config
		[tsa_config]
		dir = $d
		serial = \$dir/serial
		signer_cert = \$dir/tsa.pem
		certs = \$dir/ca.pem
		signer_key = \$dir/tsa.key
		signer_digest = sha256
		default_policy = 1.2.3.4.1
		digests = sha256
		ess_cert_id_alg = sha256
		accuracy = secs:1
		ordering = no
		tsa_name = no
	EOF
}

# tsa_start DIR: serves DIR's TSA on 127.0.0.1 (stopped at exit); its URL
# in TSA_URL. Not in a $(...): the deferred kill must be the test's own.
tsa_start() {
	local d=$1 i
	python3 "$FX_ROOT/tests/e2e/lib/tsa_server.py" "$d" >/dev/null 2>&1 &
	defer kill "$!"
	for ((i = 0; i < 100; i++)); do
		[[ -s $d/port ]] && break
		sleep 0.1
	done
	[[ -s $d/port ]] || fail "the test TSA did not start"
	TSA_URL="http://127.0.0.1:$(cat "$d/port")/"
}

# closed_port: a port of 127.0.0.1 that nothing listens on.
closed_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}
