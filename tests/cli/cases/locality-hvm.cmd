# The model is Xen's allocation of a PV guest; an HVM guest gets no
# prediction, and the decision says why.
xl-numa place --host data/xenlab-2node --explain cfg/hvm-nohap.cfg |
    grep -E '^(policy|placed|expected)'
xl-numa place --host data/xenlab-2node --json cfg/hvm-nohap.cfg |
    grep expected_
