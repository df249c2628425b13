BeforeAll {
    Import-Module "$PSScriptRoot/../../NmrInversion.psd1" -Force
    . (Join-Path $PSScriptRoot 'HeadlessBrowser.ps1')
    function Get-ErrorRecord([scriptblock] $Script) {
        try { & $Script; return $null } catch { return $_ }
    }
    $data = Join-Path $PSScriptRoot '../data/nmrinversions-jl'
    # Two measured samples and one simulated sample inverted twice: four results, three samples.
    $script:results = @(
        Import-NmrSignal (Join-Path $data 'tecmag_tnt/CPMG_silicon_oil.tnt') | Invoke-NmrTikhonov -WarningAction SilentlyContinue
        Import-NmrSignal (Join-Path $data 'spinsolve_txt/IRCPMG') | Invoke-NmrTikhonov -WarningAction SilentlyContinue
    )
    $sim = New-NmrDistribution -Preset A -Points 24 | New-NmrSignal -Snr 100 -Seed 1
    $script:results += $sim | Invoke-NmrTikhonov -WarningAction SilentlyContinue
    $script:results += $sim | Invoke-NmrTikhonov -Alpha 1 -WarningAction SilentlyContinue
    $script:results[1].AddWarning([NmrInversion.Engine.NmrWarning]::new('TestWarning', 'a <b>bold</b> & "quoted" claim'))
    $script:report = Join-Path $TestDrive 'batch.html'
    $script:file = $results | Export-NmrReport $report -Title 'A lab''s <day>'
    $script:html = Get-Content -Raw $report
}

Describe 'Export-NmrReport' {
    It 'writes one HTML file and outputs it' {
        $file | Should -BeOfType System.IO.FileInfo
        $file.FullName | Should -Be $report
        $html | Should -Match '^<!DOCTYPE html>'
    }

    It 'has an overview row per sample and method and a section per sample' {
        ([regex]::Matches($html, '<section class="sample"')).Count | Should -Be 3
        $overview = [regex]::Match($html, '(?s)<table id="overview-table".*?</table>').Value
        ([regex]::Matches($overview, '<tr><td><a href="#sample-')).Count | Should -Be 4
        $overview | Should -Match 'CPMG_silicon_oil</a></td><td>Tikhonov</td><td>α = .* \(GCV\)'
        $overview | Should -Match 'A</a></td><td>Tikhonov</td><td>α = 1 \(fixed\)'
    }

    It 'names the source file, the peaks and the warnings, HTML-encoded' {
        $html | Should -Match '<span title="[^"]*CPMG_silicon_oil\.tnt">CPMG_silicon_oil\.tnt</span>'
        $html | Should -Match 'T1IRT2\.dat'
        $html | Should -Match '<li>T2 [\d.]+ ms: [\d.]+ %</li>'
        $html | Should -Match ([regex]::Escape('<code class="id">TestWarning</code> a &lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot; claim'))
        $html | Should -Match ([regex]::Escape('<title>A lab&#39;s &lt;day&gt;</title>'))
        $html | Should -Not -Match '<b>bold'
    }

    It 'is self-contained: every image is a PNG data URI, nothing is loaded from elsewhere' {
        $images = [regex]::Matches($html, '<img alt="[^"]*" src="data:image/png;base64,([^"]+)"')
        $images.Count | Should -Be 8
        foreach ($m in $images) {
            $bytes = [Convert]::FromBase64String($m.Groups[1].Value)
            ($bytes[0..7] | ForEach-Object { $_.ToString('X2') }) -join ' ' | Should -Be '89 50 4E 47 0D 0A 1A 0A'
        }
        $html | Should -Not -Match '(src|href)="(?!data:|#)'
        $html | Should -Not -Match '<link|<script|@import|url\('
    }

    It 'refuses to overwrite without -Force (FileExists) and leaves the file alone' {
        $path = Join-Path $TestDrive 'exists.html'
        Set-Content -Path $path -Value 'old'
        $e = Get-ErrorRecord { $results[0] | Export-NmrReport $path }
        $e.FullyQualifiedErrorId | Should -BeLike 'FileExists,*'
        $e.CategoryInfo.Category | Should -Be 'ResourceExists'
        Get-Content $path | Should -Be 'old'
        $results[0] | Export-NmrReport -LiteralPath $path -Force | Out-Null
        Get-Content $path -Raw | Should -Match '<section class="sample"'
        @(Get-ChildItem $TestDrive -Force -Filter '*.tmp').Count | Should -Be 0
    }

    It 'writes nothing under -WhatIf, and reports a missing folder (FolderNotFound)' {
        $path = Join-Path $TestDrive 'whatif.html'
        $results[0] | Export-NmrReport $path -WhatIf | Should -BeNullOrEmpty
        Test-Path $path | Should -BeFalse
        $e = Get-ErrorRecord { $results[0] | Export-NmrReport (Join-Path $TestDrive 'no/such/r.html') }
        $e.FullyQualifiedErrorId | Should -BeLike 'FolderNotFound,*'
    }

    It 'refuses objects that are not inversion results' {
        { New-NmrDistribution -Preset A | Export-NmrReport (Join-Path $TestDrive 'x.html') -ErrorAction Stop } | Should -Throw -ErrorId 'InputObjectNotBound,*'
    }
}

Describe 'Export-NmrReport in a headless browser' {
    BeforeAll {
        $script:chromium = Get-Chromium
    }

    It 'renders the overview, one section per sample and images that all decode' {
        if (-not $chromium) {
            Set-ItResult -Skipped -Because 'no chromium on this machine (CI installs it: apt-get install chromium); the browser check of the report is skipped'
            return
        }
        # A copy of the report with a check that runs after load and writes its result into the DOM.
        $check = @'
<script>
window.addEventListener('load', function () {
  var imgs = Array.prototype.slice.call(document.images);
  var ok = imgs.filter(function (i) { return i.complete && i.naturalWidth > 0 && i.src.indexOf('data:image/png;base64,') === 0; });
  var out = document.createElement('pre');
  out.id = 'image-check';
  out.textContent = 'images ' + imgs.length + ' decoded ' + ok.length + ' widths ' + ok.map(function (i) { return i.naturalWidth; }).join(',') +
    ' sections ' + document.querySelectorAll('section.sample').length +
    ' overview-rows ' + document.querySelectorAll('#overview-table tbody tr').length;
  document.body.appendChild(out);
});
</script>
'@
        $dom = Get-CheckedDom $chromium $html $check $TestDrive 'probe'
        $m = [regex]::Match($dom, '<pre id="image-check">images (\d+) decoded (\d+) widths ([\d,]+) sections (\d+) overview-rows (\d+)</pre>')
        $m.Success | Should -BeTrue -Because "the check script wrote its result into the DOM (got $($dom.Length) characters)"
        [int]$m.Groups[1].Value | Should -Be 8
        [int]$m.Groups[2].Value | Should -Be 8
        $m.Groups[3].Value -split ',' | ForEach-Object { [int]$_ } | Should -Be @(960, 1200, 960, 1200, 960, 1200, 960, 1200)
        [int]$m.Groups[4].Value | Should -Be 3
        [int]$m.Groups[5].Value | Should -Be 4
        $dom | Should -Match '<table id="overview-table"'
    }

    It 'draws a screenshot that is not blank' {
        if (-not $chromium) {
            Set-ItResult -Skipped -Because 'no chromium on this machine (CI installs it: apt-get install chromium); the screenshot check is skipped'
            return
        }
        $shot = Join-Path $TestDrive 'report.png'
        $userData = Join-Path $TestDrive 'chromium-profile-2'
        & $chromium.Source --headless --no-sandbox --disable-gpu --no-first-run "--user-data-dir=$userData" --hide-scrollbars `
            --window-size=1280,2400 "--screenshot=$shot" ([Uri]::new($report).AbsoluteUri) 2>$null | Out-Null
        Test-Path $shot | Should -BeTrue
        $bitmap = [SkiaSharp.SKBitmap]::Decode($shot)
        try {
            $bitmap.Width | Should -Be 1280
            # Text, tables and figures: far more than the few colours of a blank or error page.
            [System.Collections.Generic.HashSet[SkiaSharp.SKColor]]::new([SkiaSharp.SKColor[]]$bitmap.Pixels).Count | Should -BeGreaterThan 200
        }
        finally { $bitmap.Dispose() }
    }
}
