# Plots through gnuplot: two PNG files.
printf '0,create,a,4096,4\n0,create,b,12288,12\n9,destroy,a\n' > t.csv
xl-numa simulate --host hosts/dl980-numactl.txt --trace t.csv \
    --plot p.png > /dev/null
for f in p.png p-free.png; do
    od -An -c -N4 "$f" | tr -d ' \n'
    echo " $f"
done
