xl-numa help place
