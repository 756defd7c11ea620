xl-numa simulate --host hosts/dl980-numactl.txt
echo "rc $?"
xl-numa simulate --generate 5 --json --host hosts/dl980-numactl.txt
echo "rc $?"
xl-numa simulate --trace t.csv --seed 3 --host hosts/dl980-numactl.txt
echo "rc $?"
xl-numa simulate --generate 0 --host hosts/dl980-numactl.txt
echo "rc $?"
printf '0,create,a,1024,2\n' > t.csv
xl-numa simulate --host hosts/dl980-numactl.txt --trace t.csv --plot out.svg
echo "rc $?"
xl-numa simulate --host hosts/dl980-numactl.txt --trace t.csv \
    --policy xen43,xen43
echo "rc $?"
