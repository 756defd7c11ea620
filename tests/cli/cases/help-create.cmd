xl-numa create --help
