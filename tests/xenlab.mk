# SPDX-License-Identifier: LGPL-2.1-only
# The real-Xen lab: boots Xen 4.17 under QEMU (tests/xenlab/README.md).
# Not part of `make check`: it needs the Xen and QEMU packages
# (scripts/install-deps.sh --lab) and about ten minutes.
XENLAB_FILES = tests/xenlab/lab.sh tests/xenlab/README.md \
	tests/xenlab/dom0/init.sh tests/xenlab/dom0/lib.sh \
	tests/xenlab/guest/init.sh tests/xenlab/cfg/base.cfg \
	$(XENLAB_SCENARIOS)
XENLAB_SCENARIOS = \
	tests/xenlab/scenarios/00-capture.sh \
	tests/xenlab/scenarios/10-xl-fidelity-sample.sh \
	tests/xenlab/scenarios/11-xl-hard-affinity.sh \
	tests/xenlab/scenarios/20-numa-info.sh \
	tests/xenlab/scenarios/21-numa-capture-place.sh \
	tests/xenlab/scenarios/22-numa-create-affinity.sh \
	tests/xenlab/scenarios/23-numa-create-pin.sh \
	tests/xenlab/scenarios/24-numa-fidelity-xen43.sh \
	tests/xenlab/scenarios/25-numa-within.sh \
	tests/xenlab/scenarios/26-numa-pool.sh \
	tests/xenlab/scenarios/27-numa-parallel.sh \
	tests/xenlab/scenarios/30-vnuma.sh \
	tests/xenlab/scenarios/31-advise.sh \
	tests/xenlab/scenarios/40-preload.sh \
	tests/xenlab/scenarios/50-locality.sh
EXTRA_DIST += $(XENLAB_FILES)

.PHONY: check-xen clean-xenlab
check-xen: all
	abs_top_builddir='$(abs_top_builddir)' \
	XENLAB_BUILD='$(abs_top_builddir)/tests/xenlab/build' \
	XL_NUMA='$(abs_top_builddir)/xl_ext/xl-numa$(EXEEXT)' \
	bash '$(abs_top_srcdir)/tests/xenlab/lab.sh'

clean-xenlab:
	-rm -rf tests/xenlab/build
clean-local: clean-xenlab
