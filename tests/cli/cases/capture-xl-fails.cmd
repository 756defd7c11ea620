FAKE_XL_DIR=data/xenlab-2node FAKE_XL_FAIL='list -c' xl-numa capture cap
echo "exit $?"
ls -A cap
