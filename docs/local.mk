# SPDX-License-Identifier: LGPL-2.1-only
# Man pages are POD; the roff output ships in the tarball.
MAN_PODS = docs/xlnuma.3.pod docs/xlnuma-state.5.pod
dist_man_MANS += docs/xlnuma.3 docs/xlnuma-state.5
EXTRA_DIST += $(MAN_PODS) docs/placement.md docs/performance.md \
	docs/performance.png
CLEANFILES += $(dist_man_MANS)

POD2MAN_FLAGS = --center="xlnuma" --release="$(PACKAGE_VERSION)"
docs/%.1: docs/%.1.pod
	$(AM_V_GEN)$(MKDIR_P) docs && $(POD2MAN) $(POD2MAN_FLAGS) --section=1 $< $@
docs/%.3: docs/%.3.pod
	$(AM_V_GEN)$(MKDIR_P) docs && $(POD2MAN) $(POD2MAN_FLAGS) --section=3 $< $@
docs/%.5: docs/%.5.pod
	$(AM_V_GEN)$(MKDIR_P) docs && $(POD2MAN) $(POD2MAN_FLAGS) --section=5 $< $@

TESTS += tests/check-pod.sh
EXTRA_DIST += tests/check-pod.sh

# The examples xlnuma(3) shows, built and run by make check.
include docs/examples.mk
