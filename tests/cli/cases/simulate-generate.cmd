# The generator: the same seed gives the same trace, which simulates.
xl-numa simulate --generate 12 --seed 3 --host hosts/dl980-numactl.txt
xl-numa simulate --generate 12 --seed 3 --host hosts/dl980-numactl.txt > a
xl-numa simulate --generate 12 --seed 3 --host hosts/dl980-numactl.txt > b
cmp a b && echo same
xl-numa simulate --generate 12 --seed 4 --host hosts/dl980-numactl.txt > c
cmp -s a c || echo another seed, another trace
xl-numa simulate --host hosts/dl980-numactl.txt --trace a --policy xen43 |
    grep -c '^| xen43 '
