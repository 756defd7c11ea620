# 16384 vCPUs with maps of 2^20 pCPUs: 4 GiB from 400 bytes, refused.
cat > s.json <<'END'
{"format": "xlnuma-state", "version": 1,
 "nodes": [{"id": 0, "memsize_kib": 1048576, "memfree_kib": 1048576}],
 "cpus": [{"id": 0, "core": 0, "socket": 0, "node": 0},
          {"id": 1048575, "core": 1, "socket": 0, "node": 0}],
 "domains": [{"id": 1, "name": "a", "pool": 0, "mem_kib": 0,
              "nr_vcpus": 16384, "hard": "all", "soft": "all"}]}
END
xl-numa info --host s.json
