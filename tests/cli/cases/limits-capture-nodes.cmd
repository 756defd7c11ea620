# A capture claiming 10^6 nodes.
mkdir cap
cp data/xenlab-2node/*.txt cap/
sed 's/^nr_nodes .*/nr_nodes               : 1000000/' \
    data/xenlab-2node/xl-info-n.txt > cap/xl-info-n.txt
xl-numa info --host cap
