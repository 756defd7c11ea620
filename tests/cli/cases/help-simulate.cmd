xl-numa help simulate
