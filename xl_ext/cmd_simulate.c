/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * cmd_simulate.c: xl-numa simulate -- replay a trace of guest arrivals
 * and departures on a host with each policy and compare them (table,
 * JSON, PNG plots through gnuplot), or generate such a trace.  Nothing is
 * created: docs/simulation.md describes the model and the metrics.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xl_numa.h"

#define DEFAULT_POLICIES "xen43,xen42,greedy,packed,spread,closest"
#define MAX_POLICIES 32u

enum {
    OPT_TRACE = 0x200, OPT_PLOT, OPT_GENERATE, OPT_SEED, OPT_REFUSALS,
};

typedef struct {
    const char *host, *trace, *plot, *policies;
    bool json, refusals, generate;
    unsigned nr_guests;
    uint64_t seed;
} simopts;

/* ---- the policies ----------------------------------------------------- */

/* A built-in by name, or a plug-in ("plugin:PATH:NAME"). */
static int find_policy(const char *name, const xlnuma_policy **p_r)
{
    const xlnuma_policy *const *b = xlnuma_policy_builtins();
    char known[256] = "";

    if (plugin_spec(name))
        return plugin_policy_load(name, "--policy", p_r);
    for (unsigned i = 0; b[i]; i++) {
        if (!strcmp(b[i]->name, name)) {
            *p_r = b[i];
            return 0;
        }
        if (strlen(known) + strlen(b[i]->name) + 3 < sizeof(known)) {
            if (i)
                strcat(known, ", ");
            strcat(known, b[i]->name);
        }
    }
    cli_err("--policy: unknown policy \"%s\" (known: %s, plugin:PATH:NAME)",
            name, known);
    return XL_NUMA_EXIT_ERROR;
}

static int parse_policies(const char *list, const xlnuma_policy **pol,
                          unsigned *nr_r)
{
    char *copy = strdup(list), *save = NULL, *tok;
    unsigned nr = 0;
    int ret = XL_NUMA_EXIT_ERROR;

    if (!copy) {
        cli_err("out of memory");
        return XL_NUMA_EXIT_ERROR;
    }
    for (tok = strtok_r(copy, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        const xlnuma_policy *p = NULL;

        ret = find_policy(tok, &p);
        if (ret)
            goto out;
        ret = XL_NUMA_EXIT_ERROR;
        for (unsigned i = 0; i < nr; i++)
            if (pol[i] == p) {
                cli_err("--policy: %s is listed twice", tok);
                goto out;
            }
        if (nr == MAX_POLICIES) {
            cli_err("--policy: more than %u policies", MAX_POLICIES);
            goto out;
        }
        pol[nr++] = p;
    }
    if (!nr) {
        cli_err("--policy: \"%s\" names no policy", list);
        goto out;
    }
    *nr_r = nr;
    ret = 0;
 out:
    free(copy);
    return ret;
}

/* ---- text output ------------------------------------------------------ */

static void print_host_line(FILE *f, const char *source, const xlnuma_host *h)
{
    uint64_t free_kib = 0;
    unsigned online = 0;

    for (unsigned n = 0; n < xlnuma_host_nr_nodes(h); n++)
        free_kib += xlnuma_host_node(h, n)->memfree_kib;
    for (unsigned c = 0; c < xlnuma_host_nr_cpus(h); c++)
        online += xlnuma_host_cpu(h, c)->online;
    fprintf(f, "host %s: %u nodes, %u pCPUs, %" PRIu64 " MiB free\n", source,
            xlnuma_host_nr_nodes(h), online, kib_to_mib(free_kib));
}

static void print_trace_line(FILE *f, const char *source,
                             const xlnuma_trace *t)
{
    unsigned creates = 0;

    for (unsigned i = 0; i < t->nr_events; i++)
        creates += t->events[i].action == XLNUMA_TRACE_CREATE;
    fprintf(f, "trace %s: %u event%s (%u create%s, %u destroy%s)", source,
            t->nr_events, t->nr_events == 1 ? "" : "s", creates,
            creates == 1 ? "" : "s", t->nr_events - creates,
            t->nr_events - creates == 1 ? "" : "s");
    if (t->nr_events)
        fprintf(f, ", times %" PRIu64 " to %" PRIu64 " s", t->events[0].time,
                t->events[t->nr_events - 1].time);
    fputc('\n', f);
}

/* "no-memory 3, no-fit 1" */
static void print_outcomes(FILE *f, const xlnuma_sim_result *r)
{
    bool first = true;

    for (int o = XLNUMA_NOFIT_MEMORY; o <= XLNUMA_NOFIT_BUDGET; o++) {
        unsigned k = 0;

        for (unsigned i = 0; i < r->nr_guests; i++)
            k += !r->guests[i].created &&
                 r->guests[i].outcome == (xlnuma_outcome)o;
        if (!k)
            continue;
        fprintf(f, "%s%s %u", first ? "" : ", ",
                xlnuma_outcome_name((xlnuma_outcome)o), k);
        first = false;
    }
}

static void print_text(FILE *f, const xlnuma_trace *t,
                       const xlnuma_sim_result *res, unsigned nr,
                       bool refusals)
{
    bool any_refused = false;

    fprintf(f, "\n| %-8s | %6s | %7s | %8s | %11s | %9s | %6s | %9s | "
            "%11s |\n", "policy", "placed", "refused", "one node",
            "dist. multi", "dist. 95%", "frag.", "vCPU/pCPU", "overcommits");
    fprintf(f, "|----------|-------:|--------:|---------:|------------:|"
            "----------:|-------:|----------:|------------:|\n");
    for (unsigned i = 0; i < nr; i++) {
        const xlnuma_sim_result *r = &res[i];
        char multi[32], p95[32], share[32];

        if (r->multinode)
            snprintf(multi, sizeof(multi), "%.2f", r->mean_distance_multinode);
        else
            snprintf(multi, sizeof(multi), "-");
        if (r->placed) {
            snprintf(p95, sizeof(p95), "%.2f", r->p95_distance);
            snprintf(share, sizeof(share), "%.1f%%",
                     100 * r->single_node_share);
        } else {
            snprintf(p95, sizeof(p95), "-");
            snprintf(share, sizeof(share), "-");
        }
        fprintf(f, "| %-8s | %6u | %7u | %8s | %11s | %9s | %6.3f | %9.2f | "
                "%11u |\n", r->policy->name, r->placed, r->refused, share,
                multi, p95, r->fragmentation, r->worst_load, r->overcommits);
        any_refused |= r->refused != 0;
    }
    if (!any_refused)
        return;
    fprintf(f, "\nrefused:\n");
    for (unsigned i = 0; i < nr; i++) {
        const xlnuma_sim_result *r = &res[i];

        if (!r->refused)
            continue;
        fprintf(f, "  %-8s %u (", r->policy->name, r->refused);
        print_outcomes(f, r);
        fprintf(f, ")\n");
        if (!refusals)
            continue;
        for (unsigned g = 0; g < r->nr_guests; g++) {
            const xlnuma_sim_guest *gu = &r->guests[g];

            if (gu->created)
                continue;
            fprintf(f, "    %" PRIu64 " s %s: %s: %s\n",
                    t->events[gu->create_event].time, gu->name,
                    xlnuma_outcome_name(gu->outcome), gu->message);
        }
    }
}

/* ---- JSON output ------------------------------------------------------ */

static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;

        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c == '\n')
            fputs("\\n", f);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

/* A figure, or null when it is undefined (nothing to average). */
static void json_num(FILE *f, const char *key, bool defined, double v,
                     const char *sep)
{
    fprintf(f, "    \"%s\": ", key);
    if (defined)
        fprintf(f, "%.4f", v);
    else
        fputs("null", f);
    fputs(sep, f);
}

static void print_json(FILE *f, const xlnuma_trace *t,
                       const xlnuma_sim_result *res, unsigned nr)
{
    fputs("[\n", f);
    for (unsigned i = 0; i < nr; i++) {
        const xlnuma_sim_result *r = &res[i];
        bool first = true;

        fputs("  {\n    \"policy\": ", f);
        json_str(f, r->policy->name);
        fprintf(f, ",\n    \"creates\": %u,\n    \"placed\": %u,\n"
                "    \"refused\": %u,\n    \"single_node\": %u,\n"
                "    \"multinode\": %u,\n", r->creates, r->placed, r->refused,
                r->single_node, r->multinode);
        json_num(f, "single_node_share", r->placed, r->single_node_share,
                 ",\n");
        json_num(f, "mean_distance", r->placed, r->mean_distance, ",\n");
        json_num(f, "mean_distance_multinode", r->multinode,
                 r->mean_distance_multinode, ",\n");
        json_num(f, "p95_distance", r->placed, r->p95_distance, ",\n");
        json_num(f, "fragmentation", true, r->fragmentation, ",\n");
        json_num(f, "worst_vcpus_per_pcpu", true, r->worst_load, ",\n");
        json_num(f, "worst_libxl_vcpus_per_pcpu", true, r->worst_libxl_load,
                 ",\n");
        fprintf(f, "    \"worst_node\": %u,\n    \"worst_time\": %" PRIu64
                ",\n    \"overcommits\": %u,\n    \"peak_guests\": %u,\n"
                "    \"refusals\": [", r->worst_load_node,
                r->state_time[r->worst_load_state], r->overcommits,
                r->peak_guests);
        for (unsigned g = 0; g < r->nr_guests; g++) {
            const xlnuma_sim_guest *gu = &r->guests[g];

            if (gu->created)
                continue;
            fprintf(f, "%s\n      { \"time\": %" PRIu64 ", \"name\": ",
                    first ? "" : ",", t->events[gu->create_event].time);
            json_str(f, gu->name);
            fputs(", \"outcome\": ", f);
            json_str(f, xlnuma_outcome_name(gu->outcome));
            fputs(",\n        \"message\": ", f);
            json_str(f, gu->message);
            fputs(" }", f);
            first = false;
        }
        fprintf(f, "%s]\n  }%s\n", first ? "" : "\n    ",
                i + 1 < nr ? "," : "");
    }
    fputs("]\n", f);
}

/* ---- plots ------------------------------------------------------------ */

/* A gnuplot single-quoted string: '' stands for a quote, nothing else is
 * special.  The caller refused newlines. */
static void gp_str(FILE *f, const char *s)
{
    fputc('\'', f);
    for (; *s; s++) {
        if (*s == '\'')
            fputc('\'', f);
        fputc(*s, f);
    }
    fputc('\'', f);
}

static char *path_in(const char *dir, const char *file)
{
    size_t n = strlen(dir) + strlen(file) + 2;
    char *p = malloc(n);

    if (p)
        snprintf(p, n, "%s/%s", dir, file);
    return p;
}

static FILE *open_in(const char *dir, const char *file)
{
    char *p = path_in(dir, file);
    FILE *f = p ? fopen(p, "w") : NULL;

    if (!f)
        cli_err("cannot write %s: %s", p ? p : file,
                p ? strerror(errno) : "out of memory");
    free(p);
    return f;
}

static int close_checked(FILE *f, const char *what)
{
    if (ferror(f) | fclose(f)) {
        cli_err("cannot write %s", what);
        return XL_NUMA_EXIT_ERROR;
    }
    return 0;
}

/* One row per policy: the figures the bar charts show. */
static int write_metrics(const char *dir, const xlnuma_sim_result *res,
                         unsigned nr)
{
    FILE *f = open_in(dir, "metrics.dat");

    if (!f)
        return XL_NUMA_EXIT_ERROR;
    fprintf(f, "# policy placed refused one_node_pct dist_multi dist_p95 "
            "frag worst overcommits\n");
    for (unsigned i = 0; i < nr; i++) {
        const xlnuma_sim_result *r = &res[i];

        fprintf(f, "%s %u %u %.4f %.4f %.4f %.4f %.4f %u\n", r->policy->name,
                r->placed, r->refused, 100 * r->single_node_share,
                r->mean_distance_multinode, r->p95_distance,
                r->fragmentation, r->worst_load, r->overcommits);
    }
    return close_checked(f, "metrics.dat");
}

/* Free memory as a share of each node's size, one row per node, one
 * column per state; NaN for a node without memory. */
static int write_free(const char *dir, unsigned idx, const xlnuma_host *h,
                      const xlnuma_sim_result *r)
{
    char name[32];
    FILE *f;

    snprintf(name, sizeof(name), "free-%u.dat", idx);
    f = open_in(dir, name);
    if (!f)
        return XL_NUMA_EXIT_ERROR;
    for (unsigned n = 0; n < r->nr_nodes; n++) {
        uint64_t size = xlnuma_host_node(h, n)->memsize_kib;

        for (unsigned s = 0; s < r->nr_states; s++) {
            uint64_t fr = r->free_kib[(size_t)s * r->nr_nodes + n];

            if (size)
                fprintf(f, "%s%.4f", s ? " " : "", (double)fr / size);
            else
                fprintf(f, "%sNaN", s ? " " : "");
        }
        fputc('\n', f);
    }
    return close_checked(f, name);
}

#define GP_TERMINAL                                                        \
    "if (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) "                       \
    "set terminal pngcairo size %u,%u font ',10' noenhanced; "             \
    "else set terminal png size %u,%u noenhanced\n"

/* A bar per policy of column COL of the metrics, labelled with its
 * value. */
#define GP_BARS                                                            \
    "set title '%s'\n"                                                     \
    "plot metrics using 0:%u:xtic(1) with boxes lc rgb '%s', "             \
    "'' using 0:%u:(sprintf('%s', $%u)) with labels offset 0,0.7\n"

static int write_script(const char *dir, const char *out, const char *out2,
                        const char *host_src, const char *trace_src,
                        const xlnuma_host *h, const xlnuma_sim_result *res,
                        unsigned nr)
{
    unsigned cols = nr < 3 ? nr : 3, rows = (nr + cols - 1) / cols;
    FILE *f = open_in(dir, "plot.gp");

    if (!f)
        return XL_NUMA_EXIT_ERROR;
    fprintf(f, "# xl-numa simulate --plot\ndir = ");
    gp_str(f, dir);
    fprintf(f, "\nmetrics = dir.'/metrics.dat'\nsrc = sprintf('%%s, %%s', ");
    gp_str(f, host_src);
    fprintf(f, ", ");
    gp_str(f, trace_src);
    fprintf(f, ")\n");

    /* The metrics: six bar charts. */
    fprintf(f, GP_TERMINAL, 1200u, 760u, 1200u, 760u);
    fprintf(f, "set output ");
    gp_str(f, out);
    fprintf(f, "\nset multiplot layout 2,3 title src\n"
            "set style fill solid 0.7 border -1\nset boxwidth 0.6\n"
            "set grid ytics\nset yrange [0:*]\n"
            "set offsets 0.5,0.5,graph 0.12,0\n"
            "set xtics scale 0 rotate by 30 right\nset key off\n");
    fprintf(f, GP_BARS, "guests refused", 3u, "#c0392b", 3u, "%d", 3u);
    fprintf(f, GP_BARS, "placed on one node (%)", 4u, "#2980b9", 4u, "%.0f",
            4u);
    fprintf(f, "set title 'SLIT distance: multi-node mean (dark), p95 "
            "(light)'\nset boxwidth 0.3\n"
            "plot metrics using ($0-0.16):5:xtic(1) with boxes "
            "lc rgb '#8e44ad', '' using ($0+0.16):6 with boxes "
            "lc rgb '#d2b4de', '' using ($0-0.16):5:(sprintf('%%.1f', $5)) "
            "with labels offset 0,0.7 font ',8', '' using ($0+0.16):6:"
            "(sprintf('%%.1f', $6)) with labels offset 0,0.7 font ',8'\n"
            "set boxwidth 0.6\n");
    fprintf(f, GP_BARS, "free-memory fragmentation (mean)", 7u, "#16a085",
            7u, "%.2f", 7u);
    fprintf(f, GP_BARS, "worst runnable vCPUs per pCPU", 8u, "#d35400", 8u,
            "%.2f", 8u);
    fprintf(f, GP_BARS, "would-be over-commits", 9u, "#7f8c8d", 9u, "%d",
            9u);
    fprintf(f, "unset multiplot\n");

    /* Free memory per node over the trace: a heat map per policy. */
    fprintf(f, "reset\n");
    fprintf(f, GP_TERMINAL, 480 * cols, 330 * rows + 40, 480 * cols,
            330 * rows + 40);
    fprintf(f, "set output ");
    gp_str(f, out2);
    fprintf(f, "\nset multiplot layout %u,%u title 'free memory per node, "
            "as a share of its size: '.src\n"
            "set cbrange [0:1]\nset palette defined (0 '#b2182b', "
            "0.5 '#f7f7f7', 1 '#2166ac')\nset xlabel 'event'\n"
            "set ylabel 'node'\nset yrange [-0.5:%.1f]\nset xrange "
            "[-0.5:%.1f]\n", rows, cols, xlnuma_host_nr_nodes(h) - 0.5,
            res[0].nr_states - 0.5);
    for (unsigned i = 0; i < nr; i++) {
        fprintf(f, "set title ");
        gp_str(f, res[i].policy->name);
        fprintf(f, "\nplot dir.'/free-%u.dat' matrix with image notitle\n",
                i);
    }
    fprintf(f, "unset multiplot\n");
    return close_checked(f, "plot.gp");
}

static const char *gnuplot_command(void)
{
    const char *g = getenv("XLNUMA_GNUPLOT");

    return g && *g ? g : "gnuplot";
}

/* --plot OUT: a PNG name that a gnuplot string can hold. */
static int plot_check(const char *out, const char *trace)
{
    size_t len = strlen(out);

    if (len < 5 || strcmp(out + len - 4, ".png")) {
        cli_err("--plot: %s does not end in .png", out);
        return XL_NUMA_EXIT_ERROR;
    }
    if (strchr(out, '\n') || strchr(trace, '\n')) {
        cli_err("--plot: a path with a newline cannot be plotted");
        return XL_NUMA_EXIT_ERROR;
    }
    return 0;
}

/* Write out (.png) and out with -free.png: gnuplot runs a script from a
 * temporary directory, without a shell.  plot_check() has passed. */
static int plot(const char *out, const char *host_src, const char *trace_src,
                const xlnuma_host *h, const xlnuma_sim_result *res,
                unsigned nr)
{
    const char *tmpdir = getenv("TMPDIR");
    char *dir = NULL, *out2 = NULL, *script = NULL;
    size_t len = strlen(out);
    char *argv[3];
    int ret = XL_NUMA_EXIT_ERROR;

    if (strchr(host_src, '\n')) {
        cli_err("--plot: a path with a newline cannot be plotted");
        return XL_NUMA_EXIT_ERROR;
    }
    out2 = malloc(len + 6);
    dir = path_in(tmpdir && *tmpdir ? tmpdir : "/tmp", "xl-numa-plot.XXXXXX");
    if (!out2 || !dir) {
        cli_err("out of memory");
        goto out;
    }
    memcpy(out2, out, len - 4);
    strcpy(out2 + len - 4, "-free.png");
    if (!mkdtemp(dir)) {
        cli_err("cannot create a temporary directory %s: %s", dir,
                strerror(errno));
        goto out;
    }
    if (write_metrics(dir, res, nr))
        goto clean;
    for (unsigned i = 0; i < nr; i++)
        if (write_free(dir, i, h, &res[i]))
            goto clean;
    if (write_script(dir, out, out2, host_src, trace_src, h, res, nr))
        goto clean;
    script = path_in(dir, "plot.gp");
    if (!script) {
        cli_err("out of memory");
        goto clean;
    }
    argv[0] = (char *)gnuplot_command();
    argv[1] = script;
    argv[2] = NULL;
    if (spawn_wait(argv, -1)) {
        cli_err("--plot: %s failed; %s and %s are not (all) written",
                argv[0], out, out2);
        goto clean;
    }
    ret = 0;
 clean:
    for (unsigned i = 0; i < nr + 2; i++) {
        char name[32], *p;

        if (i == nr)
            snprintf(name, sizeof(name), "metrics.dat");
        else if (i == nr + 1)
            snprintf(name, sizeof(name), "plot.gp");
        else
            snprintf(name, sizeof(name), "free-%u.dat", i);
        p = path_in(dir, name);
        if (p)
            unlink(p);
        free(p);
    }
    rmdir(dir);
 out:
    free(script);
    free(dir);
    free(out2);
    return ret;
}

/* ---- the verb --------------------------------------------------------- */

static int run_generate(const simopts *o)
{
    xlnuma_trace t;
    hostarg ha;
    char *csv = NULL;
    int rc, ret;

    xlnuma_trace_init(&t);
    hostarg_init(&ha);
    ret = hostarg_resolve(o->host, &ha);
    if (ret)
        goto out;
    ret = XL_NUMA_EXIT_ERROR;
    rc = xlnuma_trace_generate(cli.ctx, ha.host, o->nr_guests, o->seed, &t);
    if (!rc)
        rc = xlnuma_trace_format(cli.ctx, &t, &csv);
    if (rc) {
        cli_err("cannot generate a trace (%s)", xlnuma_strerror(rc));
        goto out;
    }
    printf("# xl-numa simulate --generate %u --seed %" PRIu64 " --host %s\n"
           "%s", o->nr_guests, o->seed, ha.source, csv);
    ret = 0;
 out:
    free(csv);
    hostarg_dispose(&ha);
    xlnuma_trace_dispose(&t);
    return ret;
}

static int run_simulate(const simopts *o)
{
    const xlnuma_policy *pol[MAX_POLICIES];
    xlnuma_sim_result res[MAX_POLICIES];
    unsigned nr = 0, done = 0;
    xlnuma_trace t;
    hostarg ha;
    int rc, ret;

    xlnuma_trace_init(&t);
    hostarg_init(&ha);
    ret = parse_policies(o->policies ? o->policies : DEFAULT_POLICIES, pol,
                         &nr);
    if (ret)
        goto out;
    rc = xlnuma_trace_load(cli.ctx, o->trace, &t);
    if (rc) {
        /* The reader logged the line and value at fault. */
        cli_err("cannot read the trace %s (%s)", o->trace,
                xlnuma_strerror(rc));
        ret = XL_NUMA_EXIT_ERROR;
        goto out;
    }
    ret = hostarg_resolve(o->host, &ha);
    if (ret)
        goto out;
    for (done = 0; done < nr; done++) {
        xlnuma_sim_result_init(&res[done]);
        rc = xlnuma_simulate(cli.ctx, ha.host, &t, pol[done], &res[done]);
        if (rc) {
            cli_err("simulating %s with %s failed (%s)", o->trace,
                    pol[done]->name, xlnuma_strerror(rc));
            ret = XL_NUMA_EXIT_ERROR;
            done++;
            goto out;
        }
    }
    if (o->json) {
        print_json(stdout, &t, res, nr);
    } else {
        print_host_line(stdout, ha.source, ha.host);
        print_trace_line(stdout, o->trace, &t);
        print_text(stdout, &t, res, nr, o->refusals);
    }
    ret = o->plot ? plot(o->plot, ha.source, o->trace, ha.host, res, nr) : 0;
 out:
    for (unsigned i = 0; i < done; i++)
        xlnuma_sim_result_dispose(&res[i]);
    hostarg_dispose(&ha);
    xlnuma_trace_dispose(&t);
    return ret;
}

int main_simulate(int argc, char **argv)
{
    static const struct option opts[] = {
        { "host",     required_argument, NULL, OPT_HOST },
        { "trace",    required_argument, NULL, OPT_TRACE },
        { "policy",   required_argument, NULL, OPT_POLICY },
        { "json",     no_argument,       NULL, OPT_JSON },
        { "plot",     required_argument, NULL, OPT_PLOT },
        { "refusals", no_argument,       NULL, OPT_REFUSALS },
        { "generate", required_argument, NULL, OPT_GENERATE },
        { "seed",     required_argument, NULL, OPT_SEED },
        { "help",     no_argument,       NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    simopts o;
    bool seed_given = false;
    int opt, ret;

    memset(&o, 0, sizeof(o));
    o.seed = 1;
    while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (opt) {
        case 'h':
            help("simulate", stdout);
            return XL_NUMA_EXIT_OK;
        case OPT_HOST:
            o.host = optarg;
            break;
        case OPT_TRACE:
            o.trace = optarg;
            break;
        case OPT_POLICY:
            o.policies = optarg;
            break;
        case OPT_JSON:
            o.json = true;
            break;
        case OPT_PLOT:
            o.plot = optarg;
            break;
        case OPT_REFUSALS:
            o.refusals = true;
            break;
        case OPT_GENERATE:
            ret = parse_uint_arg("--generate", optarg, 5000000, &o.nr_guests);
            if (ret)
                return ret;
            if (!o.nr_guests) {
                cli_err("--generate: at least 1 guest");
                return XL_NUMA_EXIT_ERROR;
            }
            o.generate = true;
            break;
        case OPT_SEED:
            ret = parse_u64_arg("--seed", optarg, UINT64_MAX, &o.seed);
            if (ret)
                return ret;
            seed_given = true;
            break;
        default:
            cli_err("simulate: see xl-numa help simulate");
            return XL_NUMA_EXIT_ERROR;
        }
    }
    if (optind < argc) {
        cli_err("simulate: unexpected argument \"%s\"", argv[optind]);
        return XL_NUMA_EXIT_ERROR;
    }
    if (o.generate) {
        if (o.trace || o.policies || o.json || o.plot || o.refusals) {
            cli_err("simulate: --generate writes a trace; --trace, "
                    "--policy, --json, --plot and --refusals go with a "
                    "simulation");
            return XL_NUMA_EXIT_ERROR;
        }
        return run_generate(&o);
    }
    if (seed_given) {
        cli_err("simulate: --seed goes with --generate");
        return XL_NUMA_EXIT_ERROR;
    }
    if (!o.trace) {
        cli_err("simulate: --trace FILE (or --generate N) is needed");
        return XL_NUMA_EXIT_ERROR;
    }
    if (o.plot && plot_check(o.plot, o.trace))
        return XL_NUMA_EXIT_ERROR;
    return run_simulate(&o);
}
