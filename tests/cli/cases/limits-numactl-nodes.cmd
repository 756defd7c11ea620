printf 'available: 1000000 nodes (0-999999)\nnode 0 cpus: 0\n' > n.txt
xl-numa info --host n.txt
