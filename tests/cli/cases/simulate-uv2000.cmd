# The seed's experiment shape on the 24-node SGI UV 2000 (hwloc XML):
# eight guests of 4 vCPUs and 4 GiB at once.
printf 'time,event,name,memory_mib,vcpus\n' > t.csv
for i in 1 2 3 4 5 6 7 8; do echo "0,create,vm$i,4096,4" >> t.csv; done
xl-numa simulate --host data/hwloc/192em64t-24n8c2t.xml --trace t.csv
