BeforeAll {
    Import-Module "$PSScriptRoot/../../NmrInversion.psd1" -Force
    function Get-ErrorRecord([scriptblock] $Script) {
        try { & $Script; return $null } catch { return $_ }
    }
    # Reads a PNG's signature and the size in its IHDR chunk.
    function Get-PngHeader([string] $Path) {
        $bytes = [System.IO.File]::ReadAllBytes($Path)
        $be = { param($o) ([int]$bytes[$o] -shl 24) -bor ([int]$bytes[$o + 1] -shl 16) -bor ([int]$bytes[$o + 2] -shl 8) -bor [int]$bytes[$o + 3] }
        [pscustomobject]@{
            Signature = ($bytes[0..7] | ForEach-Object { $_.ToString('X2') }) -join ' '
            Chunk     = [System.Text.Encoding]::ASCII.GetString($bytes, 12, 4)
            Width     = & $be 16
            Height    = & $be 20
            Length    = $bytes.Length
        }
    }
    $script:png = '89 50 4E 47 0D 0A 1A 0A'
    $script:presets = New-NmrDistribution -Preset A, B, C, D, E, F, G, H -Points 32
    $script:reports = foreach ($m in 'Tikhonov', 'MTGV', 'U-Net') {
        foreach ($p in 'A', 'B', 'C', 'D') {
            foreach ($snr in 10, 100) {
                [NmrInversion.Engine.Metrics.ChiReport]::new($m, $p, $snr, 0.01 * ([int][char]$p - 64) * $snr / 10, 0.1, 0.2)
            }
        }
    }
}

Describe 'Export-NmrPlot figures' {
    It 'writes a Map of one distribution as a PNG of the requested size' {
        $file = $presets[7] | Export-NmrPlot -Path (Join-Path $TestDrive 'map.png') -Width 900 -Height 700
        $file | Should -BeOfType System.IO.FileInfo
        $file.FullName | Should -Be (Join-Path $TestDrive 'map.png')
        $h = Get-PngHeader $file.FullName
        $h.Signature | Should -Be $png
        $h.Chunk | Should -Be 'IHDR'
        $h.Width | Should -Be 900
        $h.Height | Should -Be 700
        $h.Length | Should -BeGreaterThan 5000
    }

    It 'draws a Grid by default for several distributions' {
        $file = $presets | Export-NmrPlot (Join-Path $TestDrive 'grid.png') -Width 1600 -Height 800 -Title 'Presets A-H' -Verbose 4>&1 |
            Tee-Object -Variable all | Where-Object { $_ -is [System.IO.FileInfo] }
        (($all | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join "`n") | Should -Match 'Grid figure of 8'
        $h = Get-PngHeader $file.FullName
        $h.Signature | Should -Be $png
        $h.Width, $h.Height | Should -Be @(1600, 800)
    }

    It 'draws a Comparison of distributions (first is the truth) and of -Reference' {
        $file = $presets[0], $presets[1], $presets[4] | Export-NmrPlot (Join-Path $TestDrive 'cmp.png') -Kind Comparison -Width 1000 -Height 400
        (Get-PngHeader $file.FullName).Width | Should -Be 1000
        $file2 = $presets[1], $presets[2] | Export-NmrPlot (Join-Path $TestDrive 'cmp2.png') -Reference $presets[0] -Verbose 4>&1 |
            Tee-Object -Variable all | Where-Object { $_ -is [System.IO.FileInfo] }
        ($all | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | Where-Object Message -like 'Comparison with truth*').Message |
            Should -Match 'truth A: B  χ = .*; C  χ = '
        (Get-PngHeader $file2.FullName).Signature | Should -Be $png
    }

    It 'draws a Chi chart from chi reports for one SNR' {
        $file = $reports | Export-NmrPlot (Join-Path $TestDrive 'chi.png') -Snr 100 -ChiOf T2 -Width 800 -Height 600
        $h = Get-PngHeader $file.FullName
        $h.Signature | Should -Be $png
        $h.Width, $h.Height | Should -Be @(800, 600)
    }

    It 'takes chi reports from Measure-NmrChi and an array given to -InputObject' {
        $chi = $presets[1..3] | Measure-NmrChi -Reference $presets[0]
        $file = Export-NmrPlot -InputObject $chi -Path (Join-Path $TestDrive 'chi2.png')
        (Get-PngHeader $file.FullName).Width | Should -Be 1200
    }

    It 'resolves a relative path against the current location' {
        Push-Location $TestDrive
        try { $file = $presets[0] | Export-NmrPlot ./relative.png -Width 400 -Height 300 }
        finally { Pop-Location }
        $file.FullName | Should -Be (Join-Path $TestDrive 'relative.png')
        Test-Path (Join-Path $TestDrive 'relative.png') | Should -BeTrue
    }
}

Describe 'Export-NmrPlot files' {
    It 'refuses to overwrite without -Force (FileExists, ResourceExists) and leaves the file alone' {
        $path = Join-Path $TestDrive 'exists.png'
        Set-Content -Path $path -Value 'not a png'
        $e = Get-ErrorRecord { $presets[0] | Export-NmrPlot $path -ErrorAction Stop }
        $e.FullyQualifiedErrorId | Should -BeLike 'FileExists,*'
        $e.CategoryInfo.Category | Should -Be 'ResourceExists'
        Get-Content $path | Should -Be 'not a png'
    }

    It 'overwrites with -Force and leaves no temporary file' {
        $path = Join-Path $TestDrive 'forced.png'
        Set-Content -Path $path -Value 'old'
        $presets[0] | Export-NmrPlot $path -Force -Width 400 -Height 300 | Out-Null
        (Get-PngHeader $path).Signature | Should -Be $png
        @(Get-ChildItem $TestDrive -Force -Filter '*.tmp').Count | Should -Be 0
    }

    It 'writes nothing under -WhatIf and outputs nothing' {
        $path = Join-Path $TestDrive 'whatif.png'
        $out = $presets[0] | Export-NmrPlot $path -WhatIf
        $out | Should -BeNullOrEmpty
        Test-Path $path | Should -BeFalse
    }

    It 'still checks the input under -WhatIf' {
        $e = Get-ErrorRecord { $reports | Export-NmrPlot (Join-Path $TestDrive 'whatif-chi.png') -WhatIf }
        $e.FullyQualifiedErrorId | Should -BeLike 'PlotSnrAmbiguous,*'
    }

    It 'reports a missing folder (DirectoryNotFound) and a folder as path (PathIsFolder)' {
        $e = Get-ErrorRecord { $presets[0] | Export-NmrPlot (Join-Path $TestDrive 'no/such/folder/x.png') -ErrorAction Stop }
        $e.FullyQualifiedErrorId | Should -BeLike 'DirectoryNotFound,*'
        $e.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $e = Get-ErrorRecord { $presets[0] | Export-NmrPlot $TestDrive -ErrorAction Stop }
        $e.FullyQualifiedErrorId | Should -BeLike 'PathIsFolder,*'
    }
}

Describe 'Export-NmrPlot input errors' {
    It 'reports <Id> for <Case>' -ForEach @(
        @{ Case = 'several SNRs without -Snr'; Id = 'PlotSnrAmbiguous'; Script = { $reports | Export-NmrPlot (Join-Path $TestDrive 'e1.png') } }
        @{ Case = 'an SNR that is not there'; Id = 'PlotSnrNotFound'; Script = { $reports | Export-NmrPlot (Join-Path $TestDrive 'e2.png') -Snr 1000 } }
        @{ Case = 'a Map of several distributions'; Id = 'PlotMapNeedsOne'; Script = { $presets[0..1] | Export-NmrPlot (Join-Path $TestDrive 'e3.png') -Kind Map } }
        @{ Case = 'chi reports mixed with distributions'; Id = 'PlotInputMixed'; Script = { Export-NmrPlot -InputObject @($presets[0], $reports[0]) -Path (Join-Path $TestDrive 'e4.png') } }
        @{ Case = 'a comparison of one distribution'; Id = 'PlotNothingToCompare'; Script = { $presets[0] | Export-NmrPlot (Join-Path $TestDrive 'e5.png') -Kind Comparison } }
        @{ Case = 'five reconstructions of one truth'; Id = 'PlotTooManyMethods'; Script = { $presets[0..5] | Export-NmrPlot (Join-Path $TestDrive 'e6.png') -Kind Comparison } }
        @{ Case = 'a truth on another grid'; Id = 'ChiGridMismatch'; Script = { $presets[1] | Export-NmrPlot (Join-Path $TestDrive 'e7.png') -Reference (New-NmrDistribution -Preset A) } }
    ) {
        $e = Get-ErrorRecord $Script
        $e | Should -Not -BeNullOrEmpty
        $e.FullyQualifiedErrorId | Should -BeLike "$Id,*"
        @(Get-ChildItem $TestDrive -Filter 'e?.png').Count | Should -Be 0
    }

    It 'refuses sizes outside 200..10000 pixels' {
        { $presets[0] | Export-NmrPlot (Join-Path $TestDrive 's.png') -Width 50 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
    }

    It 'writes a non-terminating PlotInputInvalid for an object it cannot draw and draws the rest' {
        $path = Join-Path $TestDrive 'mixed.png'
        $out = 'hello', $presets[0] | Export-NmrPlot $path -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'PlotInputInvalid,*'
        $out.Name | Should -Be 'mixed.png'
    }

    It 'reports PlotNothingToDraw when nothing drawable was given' {
        $e = Get-ErrorRecord { 'hello' | Export-NmrPlot (Join-Path $TestDrive 'nothing.png') -ErrorAction SilentlyContinue }
        $e.FullyQualifiedErrorId | Should -BeLike 'PlotNothingToDraw,*'
    }
}

Describe 'Export-NmrPlot -Kind Fit' {
    BeforeAll {
        $data = Join-Path $PSScriptRoot '../data/nmrinversions-jl'
        # Decodes a PNG with SkiaSharp (shipped in module/bin) and counts its distinct colours.
        function Get-PngColours([string] $Path) {
            $bitmap = [SkiaSharp.SKBitmap]::Decode($Path)
            try { [System.Collections.Generic.HashSet[SkiaSharp.SKColor]]::new([SkiaSharp.SKColor[]]$bitmap.Pixels).Count } finally { $bitmap.Dispose() }
        }
    }

    It 'draws the fit of a measured 1D decay (Tecmag CPMG) as a valid PNG' {
        $r = Import-NmrSignal (Join-Path $data 'tecmag_tnt/CPMG_silicon_oil.tnt') | Invoke-NmrTikhonov
        $file = $r | Export-NmrPlot (Join-Path $TestDrive 'fit-1d.png') -Kind Fit -Width 1000 -Height 750 -Verbose 4>&1 |
            Tee-Object -Variable all | Where-Object { $_ -is [System.IO.FileInfo] }
        (($all | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join "`n") |
            Should -Match 'Tikhonov fit of CPMG_silicon_oil: misfit [\d.]+, α = .* \(GCV\); .*2 search panel'
        $h = Get-PngHeader $file.FullName
        $h.Signature | Should -Be $png
        $h.Chunk | Should -Be 'IHDR'
        $h.Width, $h.Height | Should -Be @(1000, 750)
        $h.Length | Should -BeGreaterThan 20000
        Get-PngColours $file.FullName | Should -BeGreaterThan 100
    }

    It 'draws the fit of a measured 2D T1-T2 map (Spinsolve IRCPMG) as a valid PNG' {
        $r = Import-NmrSignal (Join-Path $data 'spinsolve_txt/IRCPMG') | Invoke-NmrTikhonov -WarningAction SilentlyContinue
        $file = $r | Export-NmrPlot (Join-Path $TestDrive 'fit-2d.png') -Kind Fit
        $h = Get-PngHeader $file.FullName
        $h.Signature | Should -Be $png
        $h.Width, $h.Height | Should -Be @(1200, 900)
        Get-PngColours $file.FullName | Should -BeGreaterThan 100
    }

    It 'refuses anything but one inversion result (PlotFitNeedsOneResult) and writes nothing' {
        $e = Get-ErrorRecord { $presets[0] | Export-NmrPlot (Join-Path $TestDrive 'fit-e.png') -Kind Fit }
        $e.FullyQualifiedErrorId | Should -BeLike 'PlotFitNeedsOneResult,*'
        Test-Path (Join-Path $TestDrive 'fit-e.png') | Should -BeFalse
    }
}
