# The main job in its reduced form (-Quick): report, CSV tables and figures.
BeforeAll {
    $root = Split-Path (Split-Path $PSScriptRoot)
    $out = Join-Path $TestDrive 'results'
    $log = & dotnet pwsh -NoProfile -NonInteractive -File (Join-Path $root 'examples/Reproduce-Paper.ps1') -Quick -OutputPath $out 2>&1
    $exit = $LASTEXITCODE
    $shipped = Test-Path (Join-Path $root 'pretrained/model.json')
}

Describe 'Reproduce-Paper.ps1 -Quick' {
    It 'finishes without error' {
        $exit | Should -Be 0 -Because ($log | Out-String)
    }

    It 'writes finite, non-negative chi for every method, preset and projection' {
        $rows = Import-Csv (Join-Path $out 'benchmark.csv')
        $methods = @($rows.Method | Sort-Object -Unique)
        $methods | Should -Contain 'Tikhonov'
        $methods | Should -Contain 'MTGV'
        if ($shipped) { $methods | Should -Contain 'U-Net' }
        $rows.Count | Should -Be (2 * $methods.Count)   # presets A and H at SNR 200
        foreach ($r in $rows) {
            foreach ($c in 'Chi2D', 'ChiT1', 'ChiT2') {
                $v = [double]::Parse($r.$c, [cultureinfo]::InvariantCulture)
                [double]::IsFinite($v) | Should -BeTrue
                $v | Should -BeGreaterOrEqual 0
            }
        }
    }

    It 'times every method' {
        $t = Import-Csv (Join-Path $out 'timings.csv')
        foreach ($r in $t) { [double]::Parse($r.SecondsPerSignal, [cultureinfo]::InvariantCulture) | Should -BeGreaterThan 0 }
    }

    It 'writes a report that names all three methods and links its figures' {
        $md = Get-Content (Join-Path $out 'report.md') -Raw
        foreach ($m in 'U-Net', 'Tikhonov', 'MTGV') { $md | Should -Match ([regex]::Escape($m)) }
        $md | Should -Match 'figure1-truths\.png'
        $md | Should -Match 'Cells won'
    }

    It 'writes readable PNG figures: <_>' -ForEach 'figure1-truths.png', 'compare-A-snr200.png', 'compare-H-snr200.png', 'figure2-chi2D-snr200.png', 'figure2-chiT1-snr200.png', 'figure2-chiT2-snr200.png' {
        $path = Join-Path $out $_
        $bytes = [IO.File]::ReadAllBytes($path)
        $bytes[0..7] | Should -Be @(0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A)
        # IHDR: width and height, big-endian, at bytes 16..23
        $width = [int]$bytes[16] * 16777216 + [int]$bytes[17] * 65536 + [int]$bytes[18] * 256 + [int]$bytes[19]
        $height = [int]$bytes[20] * 16777216 + [int]$bytes[21] * 65536 + [int]$bytes[22] * 256 + [int]$bytes[23]
        $width | Should -BeGreaterThan 300
        $height | Should -BeGreaterThan 200
        $bytes.Length | Should -BeGreaterThan 5000
    }
}
