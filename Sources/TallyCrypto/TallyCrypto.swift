// TallyCrypto
