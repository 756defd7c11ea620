FAKE_XL_DIR=data/xenlab-2node xl-numa capture cap || exit
for f in xl-info-n.txt xl-list-n.txt xl-list-c.txt xl-vcpu-list.txt xl-cpupool-list-c.txt \
         xl-debug-keys-u.txt xl-debug-keys-H.txt xl-dmesg-dma.txt; do
    cmp data/xenlab-2node/$f cap/$f && echo "same $f"
done
ls -A cap | wc -l
xl-numa place --host cap --json cfg/g1.cfg > cap.json
xl-numa place --host data/xenlab-2node --json cfg/g1.cfg > dir.json
cmp cap.json dir.json && echo 'same decision'
