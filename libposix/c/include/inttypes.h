/* <inttypes.h>: format macros for Linux x86_64 (LP64) and the intmax_t conversions. */
#ifndef MOSAIC_INTTYPES_H
#define MOSAIC_INTTYPES_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define __MOS_PRI64 "l"
#define __MOS_PRIPTR "l"

#define PRId8 "d"
#define PRId16 "d"
#define PRId32 "d"
#define PRId64 __MOS_PRI64 "d"
#define PRIdLEAST8 "d"
#define PRIdLEAST16 "d"
#define PRIdLEAST32 "d"
#define PRIdLEAST64 __MOS_PRI64 "d"
#define PRIdFAST8 "d"
#define PRIdFAST16 __MOS_PRIPTR "d"
#define PRIdFAST32 __MOS_PRIPTR "d"
#define PRIdFAST64 __MOS_PRI64 "d"
#define PRIdMAX __MOS_PRI64 "d"
#define PRIdPTR __MOS_PRIPTR "d"

#define PRIi8 "i"
#define PRIi16 "i"
#define PRIi32 "i"
#define PRIi64 __MOS_PRI64 "i"
#define PRIiLEAST8 "i"
#define PRIiLEAST16 "i"
#define PRIiLEAST32 "i"
#define PRIiLEAST64 __MOS_PRI64 "i"
#define PRIiFAST8 "i"
#define PRIiFAST16 __MOS_PRIPTR "i"
#define PRIiFAST32 __MOS_PRIPTR "i"
#define PRIiFAST64 __MOS_PRI64 "i"
#define PRIiMAX __MOS_PRI64 "i"
#define PRIiPTR __MOS_PRIPTR "i"

#define PRIo8 "o"
#define PRIo16 "o"
#define PRIo32 "o"
#define PRIo64 __MOS_PRI64 "o"
#define PRIoLEAST8 "o"
#define PRIoLEAST16 "o"
#define PRIoLEAST32 "o"
#define PRIoLEAST64 __MOS_PRI64 "o"
#define PRIoFAST8 "o"
#define PRIoFAST16 __MOS_PRIPTR "o"
#define PRIoFAST32 __MOS_PRIPTR "o"
#define PRIoFAST64 __MOS_PRI64 "o"
#define PRIoMAX __MOS_PRI64 "o"
#define PRIoPTR __MOS_PRIPTR "o"

#define PRIu8 "u"
#define PRIu16 "u"
#define PRIu32 "u"
#define PRIu64 __MOS_PRI64 "u"
#define PRIuLEAST8 "u"
#define PRIuLEAST16 "u"
#define PRIuLEAST32 "u"
#define PRIuLEAST64 __MOS_PRI64 "u"
#define PRIuFAST8 "u"
#define PRIuFAST16 __MOS_PRIPTR "u"
#define PRIuFAST32 __MOS_PRIPTR "u"
#define PRIuFAST64 __MOS_PRI64 "u"
#define PRIuMAX __MOS_PRI64 "u"
#define PRIuPTR __MOS_PRIPTR "u"

#define PRIx8 "x"
#define PRIx16 "x"
#define PRIx32 "x"
#define PRIx64 __MOS_PRI64 "x"
#define PRIxLEAST8 "x"
#define PRIxLEAST16 "x"
#define PRIxLEAST32 "x"
#define PRIxLEAST64 __MOS_PRI64 "x"
#define PRIxFAST8 "x"
#define PRIxFAST16 __MOS_PRIPTR "x"
#define PRIxFAST32 __MOS_PRIPTR "x"
#define PRIxFAST64 __MOS_PRI64 "x"
#define PRIxMAX __MOS_PRI64 "x"
#define PRIxPTR __MOS_PRIPTR "x"

#define PRIX8 "X"
#define PRIX16 "X"
#define PRIX32 "X"
#define PRIX64 __MOS_PRI64 "X"
#define PRIXLEAST8 "X"
#define PRIXLEAST16 "X"
#define PRIXLEAST32 "X"
#define PRIXLEAST64 __MOS_PRI64 "X"
#define PRIXFAST8 "X"
#define PRIXFAST16 __MOS_PRIPTR "X"
#define PRIXFAST32 __MOS_PRIPTR "X"
#define PRIXFAST64 __MOS_PRI64 "X"
#define PRIXMAX __MOS_PRI64 "X"
#define PRIXPTR __MOS_PRIPTR "X"

#define SCNd8 "hhd"
#define SCNd16 "hd"
#define SCNd32 "d"
#define SCNd64 __MOS_PRI64 "d"
#define SCNdMAX __MOS_PRI64 "d"
#define SCNdPTR __MOS_PRIPTR "d"
#define SCNi8 "hhi"
#define SCNi16 "hi"
#define SCNi32 "i"
#define SCNi64 __MOS_PRI64 "i"
#define SCNiMAX __MOS_PRI64 "i"
#define SCNiPTR __MOS_PRIPTR "i"
#define SCNo8 "hho"
#define SCNo16 "ho"
#define SCNo32 "o"
#define SCNo64 __MOS_PRI64 "o"
#define SCNoMAX __MOS_PRI64 "o"
#define SCNoPTR __MOS_PRIPTR "o"
#define SCNu8 "hhu"
#define SCNu16 "hu"
#define SCNu32 "u"
#define SCNu64 __MOS_PRI64 "u"
#define SCNuMAX __MOS_PRI64 "u"
#define SCNuPTR __MOS_PRIPTR "u"
#define SCNx8 "hhx"
#define SCNx16 "hx"
#define SCNx32 "x"
#define SCNx64 __MOS_PRI64 "x"
#define SCNxMAX __MOS_PRI64 "x"
#define SCNxPTR __MOS_PRIPTR "x"

typedef struct {
  intmax_t quot;
  intmax_t rem;
} imaxdiv_t;

intmax_t imaxabs(intmax_t v);
imaxdiv_t imaxdiv(intmax_t numerator, intmax_t denominator);
intmax_t strtoimax(const char* s, char** end, int base);
uintmax_t strtoumax(const char* s, char** end, int base);

#ifdef __cplusplus
}
#endif

#endif
