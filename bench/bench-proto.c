#include "wb-frame.h"
int main(void) { return 0; }
