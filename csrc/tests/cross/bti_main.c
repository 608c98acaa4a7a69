/*
 * bti_main.c - the executable of the BTI-enforced AArch64 lane (make test-aarch64): the
 * test and the library live in a BTI-marked shared object, whose pages the loader maps
 * with PROT_BTI, so every indirect branch into them must land on a landing pad. (The
 * static glibc and the crt files are not BTI-marked, and one unmarked input drops the
 * marking of the whole image, hence the split.)
 */
int gev_test_main(void);

int main(void)
{
	return gev_test_main();
}
