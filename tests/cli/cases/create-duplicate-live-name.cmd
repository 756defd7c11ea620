xl-numa create --host data/xenlab-2node --dry-run cfg/g1.cfg 'name="cap-plain"'
