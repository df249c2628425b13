# Rewrites GNU symbol-version requirements (Vernaux entries of .gnu.version_r) in an ELF64
# shared object so that it loads on a system whose libstdc++ lacks a newer GLIBCXX version.
#
# Why: TorchSharp-cpu 0.107.0's libLibTorchSharp.so lists GLIBCXX_3.4.32 as needed, but the
# only symbol behind it (_ZSt21ios_base_library_initv) is never relocated. Debian 12, Ubuntu
# 22.04 and RHEL 9 stop at GLIBCXX_3.4.30/31, so the dynamic loader refuses the library although
# nothing from 3.4.32 is used. Renaming the requirement to a version the system has (same
# string length, so .dynstr keeps its layout) and storing that name's ELF hash in vna_hash makes
# the loader accept it. Only the published copy is touched, never the NuGet cache.
#
# ELF layout (System V gABI, GNU extensions in the LSB "Symbol Versioning" chapter):
#   Elf64_Ehdr: e_shoff @0x28 (u64), e_shentsize @0x3A, e_shnum @0x3C (u16)
#   Elf64_Shdr: sh_type @4 (u32), sh_offset @24 (u64), sh_size @32 (u64), sh_link @40 (u32)
#   Elf64_Verneed: vn_version u16, vn_cnt u16, vn_file u32, vn_aux u32, vn_next u32
#   Elf64_Vernaux: vna_hash u32, vna_flags u16, vna_other u16, vna_name u32, vna_next u32

Set-StrictMode -Version Latest

$script:ShtGnuVerneed = 0x6ffffffe

function Get-ElfHash {
    <# The SysV ELF hash of a symbol or version name (gABI "Hash Table"). #>
    [CmdletBinding()]
    [OutputType([uint32])]
    param([Parameter(Mandatory)][string] $Name)
    [uint64] $h = 0
    foreach ($c in [System.Text.Encoding]::ASCII.GetBytes($Name)) {
        $h = (($h -shl 4) + $c) -band 0xffffffff
        $g = $h -band 0xf0000000
        if ($g -ne 0) { $h = $h -bxor ($g -shr 24) }
        $h = $h -band (-bnot $g) -band 0xffffffff
    }
    return [uint32] $h
}

function Read-CString([byte[]] $bytes, [long] $offset) {
    $end = $offset
    while ($bytes[$end] -ne 0) { $end++ }
    return [System.Text.Encoding]::ASCII.GetString($bytes, $offset, $end - $offset)
}

function Get-ElfVersionNeed {
    <# Lists the Vernaux entries of an ELF64 little-endian file: library, version name, hash, file offsets. #>
    [CmdletBinding()]
    param([Parameter(Mandatory)][string] $Path, [byte[]] $Bytes)
    $ErrorActionPreference = 'Stop'
    $Path = (Resolve-Path -LiteralPath $Path).ProviderPath
    if (-not $Bytes) { $Bytes = [System.IO.File]::ReadAllBytes($Path) }
    if ($Bytes.Length -lt 64 -or $Bytes[0] -ne 0x7f -or $Bytes[1] -ne 0x45 -or $Bytes[2] -ne 0x4c -or $Bytes[3] -ne 0x46) {
        throw "Not an ELF file: $Path"
    }
    if ($Bytes[4] -ne 2 -or $Bytes[5] -ne 1) { throw "Only ELF64 little-endian files are supported: $Path" }
    $shoff = [BitConverter]::ToUInt64($Bytes, 0x28)
    $shentsize = [BitConverter]::ToUInt16($Bytes, 0x3A)
    $shnum = [BitConverter]::ToUInt16($Bytes, 0x3C)
    $sections = for ($i = 0; $i -lt $shnum; $i++) {
        $o = [long]$shoff + $i * $shentsize
        [pscustomobject]@{
            Type   = [BitConverter]::ToUInt32($Bytes, $o + 4)
            Offset = [long][BitConverter]::ToUInt64($Bytes, $o + 24)
            Size   = [long][BitConverter]::ToUInt64($Bytes, $o + 32)
            Link   = [BitConverter]::ToUInt32($Bytes, $o + 40)
        }
    }
    foreach ($sec in $sections | Where-Object Type -eq $script:ShtGnuVerneed) {
        $strtab = $sections[$sec.Link].Offset
        $vn = $sec.Offset
        while ($true) {
            $cnt = [BitConverter]::ToUInt16($Bytes, $vn + 2)
            $file = Read-CString $Bytes ($strtab + [BitConverter]::ToUInt32($Bytes, $vn + 4))
            $aux = $vn + [BitConverter]::ToUInt32($Bytes, $vn + 8)
            for ($k = 0; $k -lt $cnt; $k++) {
                $nameOffset = $strtab + [BitConverter]::ToUInt32($Bytes, $aux + 8)
                [pscustomobject]@{
                    Library        = $file
                    Version        = Read-CString $Bytes $nameOffset
                    Hash           = [BitConverter]::ToUInt32($Bytes, $aux)
                    HashOffset     = $aux
                    NameOffset     = $nameOffset
                }
                $next = [BitConverter]::ToUInt32($Bytes, $aux + 12)
                if ($next -eq 0) { break }
                $aux += $next
            }
            $nextVn = [BitConverter]::ToUInt32($Bytes, $vn + 12)
            if ($nextVn -eq 0) { break }
            $vn += $nextVn
        }
    }
}

function Get-SystemLibStdCxxVersions {
    <# The GLIBCXX_* version names the system's libstdc++.so.6 defines (empty when none is found). #>
    $candidates = @('/usr/lib/x86_64-linux-gnu/libstdc++.so.6', '/usr/lib64/libstdc++.so.6', '/lib/x86_64-linux-gnu/libstdc++.so.6', '/usr/lib/libstdc++.so.6')
    $lib = $candidates | Where-Object { Test-Path $_ } | Select-Object -First 1
    if (-not $lib) { return @() }
    $text = [System.Text.Encoding]::ASCII.GetString([System.IO.File]::ReadAllBytes((Resolve-Path $lib).Path))
    return @([regex]::Matches($text, 'GLIBCXX_3\.4(\.\d+)?(?=\x00)') | ForEach-Object Value | Sort-Object -Unique)
}

function Repair-ElfVersionNeed {
    <#
    .SYNOPSIS
    Renames GLIBCXX version requirements of an ELF file that the given libstdc++ versions lack.
    .DESCRIPTION
    For every Vernaux entry of libstdc++.so.6 whose version is not in -Available, picks the highest
    available GLIBCXX version of the same string length, overwrites the name in .dynstr and stores its
    ELF hash in vna_hash. Returns one object per rewritten entry. Writes the file only when something changed.
    #>
    [CmdletBinding(SupportsShouldProcess)]
    param(
        [Parameter(Mandatory)][string] $Path,
        [string[]] $Available = (Get-SystemLibStdCxxVersions)
    )
    $ErrorActionPreference = 'Stop'
    $Path = (Resolve-Path -LiteralPath $Path).ProviderPath
    if (-not $Available -or $Available.Count -eq 0) { Write-Verbose 'No system libstdc++ found; nothing to do.'; return }
    $bytes = [System.IO.File]::ReadAllBytes($Path)
    $changed = $false
    foreach ($need in Get-ElfVersionNeed -Path $Path -Bytes $bytes) {
        if ($need.Library -notlike 'libstdc++*' -or $need.Version -notlike 'GLIBCXX_*' -or $Available -contains $need.Version) { continue }
        $replacement = $Available |
            Where-Object { $_.Length -eq $need.Version.Length -and $_ -like 'GLIBCXX_3.4.*' } |
            Sort-Object { [int]($_ -replace '^GLIBCXX_3\.4\.', '') } |
            Select-Object -Last 1
        if (-not $replacement) { throw "No GLIBCXX version of length $($need.Version.Length) available to replace $($need.Version) in $Path" }
        if ($PSCmdlet.ShouldProcess($Path, "Rename version need $($need.Version) to $replacement")) {
            $nameBytes = [System.Text.Encoding]::ASCII.GetBytes($replacement)
            [Array]::Copy($nameBytes, 0, $bytes, $need.NameOffset, $nameBytes.Length)
            $hash = Get-ElfHash -Name $replacement
            [Array]::Copy([BitConverter]::GetBytes([uint32]$hash), 0, $bytes, $need.HashOffset, 4)
            $changed = $true
            [pscustomobject]@{ Path = $Path; From = $need.Version; To = $replacement; Hash = $hash }
        }
    }
    if ($changed) {
        $tmp = "$Path.tmp"
        [System.IO.File]::WriteAllBytes($tmp, $bytes)
        Move-Item -LiteralPath $tmp -Destination $Path -Force
    }
}

Export-ModuleMember -Function Get-ElfHash, Get-ElfVersionNeed, Get-SystemLibStdCxxVersions, Repair-ElfVersionNeed
