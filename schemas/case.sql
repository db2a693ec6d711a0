-- placeholder: replaced by the case database work (issue 4)
CREATE TABLE IF NOT EXISTS fx_placeholder(x);
