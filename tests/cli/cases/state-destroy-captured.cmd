xl-numa capture --host data/xenlab-2node --state s.json > /dev/null
xl-numa destroy cap-plain --host s.json
xl-numa info --host s.json
