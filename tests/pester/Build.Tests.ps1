BeforeAll {
    Import-Module "$PSScriptRoot/../../build/ElfVersionNeed.psm1" -Force
    $cache = ((& dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', '').Trim()
    $original = Join-Path $cache 'torchsharp/0.107.0/runtimes/linux-x64/native/libLibTorchSharp.so'
}

Describe 'ELF version-need repair' -Skip:(-not $IsLinux) {
    It 'computes the SysV ELF hash the linker stored for every version the library needs' {
        $needs = Get-ElfVersionNeed -Path $original
        $needs.Count | Should -BeGreaterThan 5
        foreach ($n in $needs) { Get-ElfHash -Name $n.Version | Should -Be $n.Hash -Because $n.Version }
    }

    It 'renames a missing GLIBCXX need to an available one of the same length, with its hash, on a copy' {
        $copy = Join-Path $TestDrive 'libLibTorchSharp.so'
        Copy-Item $original $copy
        $before = (Get-FileHash $original).Hash
        # a Debian 12 libstdc++: everything the library needs except GLIBCXX_3.4.32
        $available = @((Get-ElfVersionNeed -Path $original).Version | Where-Object { $_ -ne 'GLIBCXX_3.4.32' }) + 'GLIBCXX_3.4.30'
        $fixes = @(Repair-ElfVersionNeed -Path $copy -Available $available)
        $fixes.Count | Should -Be 1
        ($fixes | Where-Object From -eq 'GLIBCXX_3.4.32').To | Should -Be 'GLIBCXX_3.4.30'
        $after = Get-ElfVersionNeed -Path $copy
        $after.Version | Should -Not -Contain 'GLIBCXX_3.4.32'
        ($after | Where-Object Version -eq 'GLIBCXX_3.4.30' | Select-Object -First 1).Hash | Should -Be (Get-ElfHash 'GLIBCXX_3.4.30')
        (Get-Item $copy).Length | Should -Be (Get-Item $original).Length
        (Get-FileHash $original).Hash | Should -Be $before -Because 'the NuGet cache is never touched'
    }

    It 'does nothing when every need is available' {
        $copy = Join-Path $TestDrive 'untouched.so'
        Copy-Item $original $copy
        $all = (Get-ElfVersionNeed -Path $copy).Version
        @(Repair-ElfVersionNeed -Path $copy -Available $all).Count | Should -Be 0
        (Get-FileHash $copy).Hash | Should -Be (Get-FileHash $original).Hash
    }
}
