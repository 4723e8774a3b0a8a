/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The version of the user-space tools, one for all of them: npctl prints
 * it (`npctl version`, the "version" member of every `npctl -j`
 * document) and so does npd (`npd --version`).
 */
#ifndef NP_VERSION_H
#define NP_VERSION_H

#define NP_VERSION	"0.5"

#endif /* NP_VERSION_H */
