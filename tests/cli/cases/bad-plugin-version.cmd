# The plug-ins are built by make check; top_builddir is exported to
# the tests (else: the build tree of the xl-numa this case runs).
top=${top_builddir:-$(sed -n 's|^exec "\(.*\)/xl_ext/xl-numa" "\$@"$|\1|p' ../bin/xl-numa)}
cp "$top/tests/cli/.libs/plugin-bad-version.so" future.so
xl-numa place --host data/xenlab-2node --policy plugin:./future.so:bad cfg/g1.cfg
