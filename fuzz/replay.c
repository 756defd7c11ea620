/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * replay.c: a main() for a harness without libFuzzer -- each argument,
 * a file or a directory of files, is fed to LLVMFuzzerTestOneInput once.
 * `make check' replays the seed corpus and the inputs that once crashed
 * this way (tests/hardening/fuzz-replay.sh), with the ordinary compiler
 * and, in a --enable-sanitizers build, under ASan and UBSan.
 */
#include <dirent.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = NULL;
    size_t len = 0, cap = 0, n;

    if (!f) {
        fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
        return -1;
    }
    do {
        if (cap - len < 4096) {
            uint8_t *nbuf = realloc(buf, cap = cap ? cap * 2 : 65536);

            if (!nbuf) {
                fprintf(stderr, "replay: %s: out of memory\n", path);
                free(buf);
                fclose(f);
                return -1;
            }
            buf = nbuf;
        }
        n = fread(buf + len, 1, cap - len, f);
        len += n;
    } while (n);
    fclose(f);
    LLVMFuzzerTestOneInput(buf, len);
    free(buf);
    return 0;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

int main(int argc, char **argv)
{
    unsigned nr = 0;
    int bad = 0;

    for (int i = 1; i < argc; i++) {
        struct dirent **names;
        struct stat st;
        int n;

        if (stat(argv[i], &st)) {
            fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
            bad = 1;
            continue;
        }
        if (!S_ISDIR(st.st_mode)) {
            bad |= replay_file(argv[i]) != 0;
            nr++;
            continue;
        }
        n = scandir(argv[i], &names, NULL, by_name);
        if (n < 0) {
            fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
            bad = 1;
            continue;
        }
        for (int j = 0; j < n; j++) {
            char *path;

            if (names[j]->d_name[0] != '.' &&
                asprintf(&path, "%s/%s", argv[i], names[j]->d_name) >= 0) {
                bad |= replay_file(path) != 0;
                nr++;
                free(path);
            }
            free(names[j]);
        }
        free(names);
    }
    printf("replay: %u inputs%s\n", nr, bad ? ", some unreadable" : "");
    return bad;
}
