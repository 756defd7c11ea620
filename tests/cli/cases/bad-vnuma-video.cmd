# stdvga needs 16 MiB of video memory in vnode 0, which gets 12.
xl-numa place --host data/xenlab-2node --vnuma cfg/hvm-wide.cfg memory=24 stdvga=1
