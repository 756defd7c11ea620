printf '0,create,a,1024,2\n5,destroy,b\n' > t.csv
xl-numa simulate --host hosts/dl980-numactl.txt --trace t.csv
