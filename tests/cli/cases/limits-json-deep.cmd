# A million levels of arrays (once a stack overflow).
awk 'BEGIN {
    printf "{\"a\":"; for (i = 0; i < 1000000; i++) printf "[";
    for (i = 0; i < 1000000; i++) printf "]"; printf "}\n";
}' > s.json
xl-numa info --host s.json
