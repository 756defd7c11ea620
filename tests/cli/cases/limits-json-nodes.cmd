# 10^6 nodes declared: node ids 0 to 999999.
awk 'BEGIN {
    printf "{\"format\":\"xlnuma-state\",\"version\":1,\"nodes\":[";
    for (i = 0; i < 1000000; i++)
        printf "%s{\"id\":%d,\"memsize_kib\":1,\"memfree_kib\":1}",
            i ? "," : "", i;
    printf "],\"cpus\":[]}\n";
}' > s.json
xl-numa info --host s.json
