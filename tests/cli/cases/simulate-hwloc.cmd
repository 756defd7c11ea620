# An hwloc XML host: node 0 of this Opteron is disallowed (a node
# without memory or cpus), nodes 4 and 5 are memory-only.
xl-numa info --host data/hwloc/16amd64-8n2c-cpusets.xml
printf '0,create,a,2048,2\n0,create,b,2048,3\n0,create,c,12288,1\n' > t.csv
xl-numa simulate --host data/hwloc/16amd64-8n2c-cpusets.xml --trace t.csv \
    --refusals --policy xen43,closest
