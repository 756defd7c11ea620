# The plug-ins are built by make check; top_builddir is exported to
# the tests (else: the build tree of the xl-numa this case runs).
top=${top_builddir:-$(sed -n 's|^exec "\(.*\)/xl_ext/xl-numa" "\$@"$|\1|p' ../bin/xl-numa)}
cp "$top/libxl_numa/.libs/libxlnuma.so" notplugin.so
xl-numa place --host data/xenlab-2node --policy plugin:./notplugin.so:lowload cfg/g1.cfg
