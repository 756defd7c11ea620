xl-numa capture --host data/xenlab-2node --state s.json > /dev/null
for i in 1 2 3 4; do
    xl-numa create --host s.json cfg/g1.cfg "name=\"par$i\"" memory=500 vcpus=1 \
        > out$i 2> err$i &
done
wait
xl-numa info --host s.json | sed -n '3,5p'
xl-numa info --host s.json | grep -c '^par'
cat out1 out2 out3 out4 | grep -c '^recorded:'
