xl-numa help advise
