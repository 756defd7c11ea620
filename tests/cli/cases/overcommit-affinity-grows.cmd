# Affinity mode: a guest that may balloon past its nodes is not refused
# (its memory may come from other nodes).
xl-numa place --host data/xenlab-2node cfg/maxmem.cfg maxmem=3000
