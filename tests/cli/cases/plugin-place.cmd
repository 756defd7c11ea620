# The plug-ins are built by make check; top_builddir is exported to
# the tests (else: the build tree of the xl-numa this case runs).
top=${top_builddir:-$(sed -n 's|^exec "\(.*\)/xl_ext/xl-numa" "\$@"$|\1|p' ../bin/xl-numa)}
cp "$top/docs/examples/.libs/policy-lowload.so" lowload.so
# Within pCPUs 20-23 and 30-79: node 2 keeps 4 of its pCPUs for its 8
# runnable vCPUs.  xen43 counts vCPUs in total (8 on nodes 2, 3 and 5,
# node 2 has the most free memory); lowload per pCPU (2 on node 2, 0.8
# on nodes 3 and 5, node 3 has more free memory).
xl-numa place --host hosts/dl980.json --need-memkb 8388608 --vcpus 4 --cpus 20-23,30-79
xl-numa place --host hosts/dl980.json --need-memkb 8388608 --vcpus 4 --cpus 20-23,30-79 --policy plugin:./lowload.so:lowload --explain
