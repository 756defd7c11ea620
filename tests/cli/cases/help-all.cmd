xl-numa --help
