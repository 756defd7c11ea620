xl-numa
