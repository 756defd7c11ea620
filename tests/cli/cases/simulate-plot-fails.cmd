# gnuplot that fails ($XLNUMA_GNUPLOT): an error, and the table first.
printf '0,create,a,4096,4\n' > t.csv
XLNUMA_GNUPLOT=false xl-numa simulate --host hosts/dl980-numactl.txt \
    --trace t.csv --policy xen43 --plot p.png
