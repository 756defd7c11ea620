printf '0,create,a,1024,2\n' > t.csv
xl-numa simulate --host hosts/dl980-numactl.txt --trace t.csv \
    --policy xen43,fastest
