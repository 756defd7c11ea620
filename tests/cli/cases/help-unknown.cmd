xl-numa help frobnicate
