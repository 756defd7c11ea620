# Xen's dumps are optional: without `xl dmesg' the capture has the five
# xl texts and says what it lacks.
FAKE_XL_DIR=data/xenlab-2node FAKE_XL_FAIL=dmesg xl-numa capture cap
echo "exit $?"
ls -A cap
xl-numa info --host cap | head -n 5
