xl-numa frobnicate
