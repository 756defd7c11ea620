xl-numa place --host data/xenlab-2node --vnuma cfg/hvm-wide.cfg 'type="pvh"' 'kernel="/boot/vmlinuz"'
