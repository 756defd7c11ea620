# 20000 nodes declared (ids 0 to 19999), far past the 4096 allowed.  Not
# 10^6: yajl grows arrays one realloc at a time, quadratic under ASan.
awk 'BEGIN {
    printf "{\"format\":\"xlnuma-state\",\"version\":1,\"nodes\":[";
    for (i = 0; i < 20000; i++)
        printf "%s{\"id\":%d,\"memsize_kib\":1,\"memfree_kib\":1}",
            i ? "," : "", i;
    printf "],\"cpus\":[]}\n";
}' > s.json
xl-numa info --host s.json
