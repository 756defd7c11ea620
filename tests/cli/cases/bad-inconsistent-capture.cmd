xl-numa info --host cli-hosts/inconsistent
