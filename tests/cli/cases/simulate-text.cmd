# A small trace on the seed's DL980: three guests that fit a node, a
# wide one, one refused for its vCPUs and one for its memory, departures
# and a name that comes back.
cat > t.csv <<'CSV'
time,event,name,memory_mib,vcpus
0,create,web1,4096,4
0,create,web2,4096,4
10,create,db,12288,12
20,create,batch,2048,81
30,create,web3,4096,4
40,create,huge,131072,8
50,destroy,web1
60,destroy,huge
70,create,web1,1024,2
CSV
xl-numa simulate --host hosts/dl980-numactl.txt --trace t.csv --refusals
