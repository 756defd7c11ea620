# The JSON form: one object per policy, refusals with their outcome.
cat > t.csv <<'CSV'
0,create,a,8192,8
0,create,b,8192,8
5,create,c,12288,12
6,create,d,200000,2
9,destroy,a
CSV
xl-numa simulate --host hosts/dl980-numactl.txt --trace t.csv \
    --policy greedy,closest --json
