# The real capture: each guest's memory is where its vCPUs prefer to run.
xl-numa advise --host data/xenlab-2node
